from django.core.management.base import BaseCommand, CommandError

from portal.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; report the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken:
            raise CommandError(
                f"Audit chain {broken.chain} broken at entry #{broken.seq}: "
                f"{broken.reason} "
                f"({checked} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries."))

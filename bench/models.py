"""The floor's table: created by the benchmark itself (bench.submit.prepare),
never by a migration."""

from django.conf import settings
from django.db import models


class FloorRow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        managed = False
        db_table = "bench_floor_row"

    def __str__(self) -> str:
        return f"floor #{self.pk}"

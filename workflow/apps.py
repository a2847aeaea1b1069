from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("审批流程")

    def ready(self) -> None:
        """Register routing, withdrawal, visibility and the deadline handlers.

        ============================== =========================================
        seam                           workflow's handler
        ============================== =========================================
        hooks.on_accepted              services.routing.case_open_on_acceptance
        hooks.on_withdrawn_after_...   services.routing.case_withdraw
        hooks.on_decided               services.routing.case_guard_decision
        hooks.on_delivered             services.routing.case_delivered
        hooks.register_visibility_rule visibility.workflow_visibility_rule
        portal.clocks handlers/access  services.deadlines.register()
        ============================== =========================================
        """
        from applications import hooks

        from .services import deadlines, routing
        from .visibility import workflow_visibility_rule

        hooks.on_accepted.register(routing.case_open_on_acceptance)
        hooks.on_withdrawn_after_acceptance.register(routing.case_withdraw)
        hooks.on_decided.register(routing.case_guard_decision)
        hooks.on_delivered.register(routing.case_delivered)
        hooks.register_visibility_rule(workflow_visibility_rule)
        deadlines.register()

"""State changes of SLA policies and targets (administrators and the bureau's O&M owner).

Each ``do_…`` validates first (``ValidationError``, nothing changed), then saves inside
``transaction.atomic`` with its audit entry. Editing a policy or target changes the clocks
started from then on; running clocks keep the allowance they started with. Deleting a target
leaves its clocks readable (they keep metric, clock type and amount).
"""

from django.db import transaction

from yunwei.core import audit
from yunwei.tickets.models.sla import SlaPolicy, SlaTarget

__all__ = ["do_delete_policy", "do_delete_target", "do_save_policy", "do_save_target"]

POLICY_FIELDS = (
    "name",
    "code",
    "description",
    "sort_order",
    "is_active",
    "kinds",
    "priorities",
    "tiers",
    "channels",
    "filing_period",
)
TARGET_FIELDS = (
    "policy_id",
    "metric",
    "tier",
    "clock_type",
    "amount",
    "starts_on",
    "warn_at",
    "escalation",
)


def _policy_state(policy: SlaPolicy, system_ids=None) -> dict:
    state = {name: getattr(policy, name) for name in POLICY_FIELDS}
    if system_ids is None and policy.pk is not None:
        system_ids = list(policy.systems.values_list("pk", flat=True))
    state["systems"] = sorted(system_ids or [])
    return state


def _target_state(target: SlaTarget) -> dict:
    return {name: getattr(target, name) for name in TARGET_FIELDS}


def do_save_policy(policy: SlaPolicy, *, actor, systems=None) -> SlaPolicy:
    """Create or update a policy; ``systems`` (an iterable of systems) replaces its systems
    when given."""
    policy.full_clean()
    with transaction.atomic():
        before = None
        if policy.pk is not None:
            old = SlaPolicy.objects.select_for_update().filter(pk=policy.pk).first()
            before = _policy_state(old) if old is not None else None
        created = before is None
        policy.save()
        if systems is not None:
            policy.systems.set(list(systems))
        audit.record(
            f"tickets.slapolicy.{'create' if created else 'update'}",
            actor=actor,
            obj=policy,
            before=before,
            after=_policy_state(policy),
        )
    return policy


def do_delete_policy(policy: SlaPolicy, *, actor) -> None:
    """Delete a policy and its targets; clocks started from them stay, detached."""
    with transaction.atomic():
        before = _policy_state(policy)
        before["targets"] = [_target_state(target) for target in policy.targets.all()]
        audit.record("tickets.slapolicy.delete", actor=actor, obj=policy, before=before)
        policy.delete()


def do_save_target(target: SlaTarget, *, actor) -> SlaTarget:
    target.full_clean()
    with transaction.atomic():
        before = None
        if target.pk is not None:
            old = SlaTarget.objects.select_for_update().filter(pk=target.pk).first()
            before = _target_state(old) if old is not None else None
        created = before is None
        target.save()
        audit.record(
            f"tickets.slatarget.{'create' if created else 'update'}",
            actor=actor,
            obj=target,
            before=before,
            after=_target_state(target),
        )
    return target


def do_delete_target(target: SlaTarget, *, actor) -> None:
    with transaction.atomic():
        audit.record(
            "tickets.slatarget.delete", actor=actor, obj=target, before=_target_state(target)
        )
        target.delete()

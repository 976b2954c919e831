from .hazards import HAZARD_KINDS, Hazard
from .plan import Plan, Step, plan_changes, plan_migration

__all__ = ["HAZARD_KINDS", "Hazard", "Plan", "Step", "plan_changes", "plan_migration"]

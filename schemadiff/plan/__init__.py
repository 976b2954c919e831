from .hazards import HAZARD_KINDS, Hazard
from .plan import Plan, PlanOptions, Step, plan_changes, plan_migration

__all__ = ["HAZARD_KINDS", "Hazard", "Plan", "PlanOptions", "Step", "plan_changes", "plan_migration"]

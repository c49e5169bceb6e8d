"""A planner's own municipality list: reading CSV/Excel uploads (pure)."""

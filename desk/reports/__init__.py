"""Forms and exports: plain data in, PDF / xlsx files out. No Qt, no live ORM objects.

The renderers (派工单, 客户投诉处理单, 物品借用登记表 …) arrive with the forms work.
"""

"""The eight categories of the national catalogue of special equipment (特种设备目录, 2014), with the periodic
inspection intervals of their safety technical specifications (TSG) as the bureau starts from: data it edits. A
data migration loads them, and `restore_reference_data` again after a flush."""

CATEGORIES = [
    # code, name, interval in months, operators must be certified
    ("1000", "锅炉", 12, True),  # TSG 11: external inspection yearly (internal every two years)
    ("2000", "压力容器", 36, True),  # TSG 21: by safety grade, 3 to 6 years
    ("3000", "电梯", 12, False),  # TSG T7001: yearly; no operator certificate since 2019
    ("4000", "起重机械", 24, True),  # TSG Q7015: mostly every two years
    ("5000", "场（厂）内专用机动车辆", 12, True),  # TSG N0001: yearly
    ("6000", "大型游乐设施", 12, True),  # TSG 71: yearly
    ("8000", "压力管道", 36, False),  # TSG D7005: by safety grade, 3 to 6 years
    ("9000", "客运索道", 12, True),  # TSG S7001: yearly
]


def ensure_categories(category_class) -> None:
    """Add the catalogue's categories that are missing; an interval the bureau changed is left as it is."""
    for code, name, months, certified in CATEGORIES:
        category_class.objects.get_or_create(
            code=code,
            defaults={"name": name, "inspection_interval_months": months, "needs_certified_operators": certified},
        )

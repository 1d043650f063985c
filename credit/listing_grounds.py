"""The grounds of the serious-dishonesty list (严重违法失信名单) loaded by the data migration `0005_listing_grounds`
(and again after a flush): the product-quality grounds the portal's earlier list used, each placed in the category
of SAMR Order 44 (2021) it belongs to, and the Order's food-safety category. A listing also needs a heavier
administrative penalty (较重行政处罚) for the conduct: the services check that, not the ground.

The codes are those of `credit.choices.BlacklistGround`. The titles and legal bases are data a leader edits (the
bureau checks them against the official text and adds its province's own); a ground is made inactive, never
deleted."""

ORDER_44 = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号，2021年）"

LISTING_GROUNDS = [
    {
        "code": "counterfeit",
        "order": 10,
        "title": "生产、销售假冒伪劣产品（以假充真、以次充好、掺杂掺假），受到较重行政处罚",
        "legal_basis": f"{ORDER_44}：质量安全领域严重违法行为；《中华人民共和国产品质量法》第三十二条、第五十条",
    },
    {
        "code": "unlicensed",
        "order": 20,
        "title": "未取得许可生产列入许可目录的产品，受到较重行政处罚",
        "legal_basis": f"{ORDER_44}：质量安全领域严重违法行为；《中华人民共和国工业产品生产许可证管理条例》",
    },
    {
        "code": "serious_accident",
        "order": 30,
        "title": "违法行为造成产品质量或特种设备安全事故，受到较重行政处罚",
        "legal_basis": f"{ORDER_44}：质量安全领域严重违法行为；《中华人民共和国特种设备安全法》",
    },
    {
        "code": "failed_rectification",
        "order": 40,
        "title": "监督抽查不合格，拒不整改或复查仍不合格，受到较重行政处罚",
        "legal_basis": (
            f"{ORDER_44}：质量安全领域严重违法行为；《产品质量监督抽查管理暂行办法》（总局令第18号）第四十八条"
        ),
    },
    {
        "code": "refused_inspection",
        "order": 50,
        "title": "拒绝、阻碍监督抽查或监督检查，受到较重行政处罚",
        "legal_basis": (
            f"{ORDER_44}：拒绝、阻碍市场监督管理部门依法履职的违法行为；《中华人民共和国产品质量法》第五十六条"
        ),
    },
    {
        "code": "fraud",
        "order": 60,
        "title": "以欺骗等不正当手段取得许可、认证或荣誉，受到较重行政处罚",
        "legal_basis": f"{ORDER_44}：提交虚假材料、以欺骗手段取得许可等扰乱市场秩序的违法行为",
    },
    {
        "code": "food_safety",
        "order": 70,
        "title": "食品安全领域严重违法行为，受到较重行政处罚",
        "legal_basis": f"{ORDER_44}：食品安全领域严重违法行为；《中华人民共和国食品安全法》",
    },
]


def ensure_listing_grounds(ground_model) -> None:
    """Load the grounds above where their code is missing (a ground a leader edited is left as it is)."""
    for ground in LISTING_GROUNDS:
        ground_model.objects.get_or_create(code=ground["code"], defaults={**ground, "active": True})

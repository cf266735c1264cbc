# ruff: noqa: E501 - sentences read better unbroken
"""What the public reads for each verdict: (headline, reason, what to do), Chinese and English."""

from app.verification.verdicts import Verdict

# One verdict per block, its zh and en texts side by side (fmt: skip): a translator reads the
# table, not the formatter's one-string-per-line layout.
EXPLANATIONS: dict[Verdict, dict[str, tuple[str, str, str]]] = {
    Verdict.GENUINE: {
        "zh": ("真品：地理标志专用标志有效", "该标签由获准使用人合法使用，批次状态正常。",
               "请核对包装上印制的企业名称和统一社会信用代码与下方信息一致。"),
        "en": ("Genuine GI special mark", "This label was issued to a licensed user and its batch is in good standing.",
               "Check that the enterprise name and USCC printed on the pack match those below."),
    },
    Verdict.NOT_ACTIVE: {
        "zh": ("未激活：该产品尚未上市销售", "这个码是登记发放的标签码，但尚未在包装线上激活：带有该标签的产品还没有投放市场。",
               "如果您已经买到了这件产品，请通过下方“举报问题”告诉我们购买地点。"),
        "en": ("Not active: not yet put on sale", "This is a registered label code, but it has not been activated on the packing line: goods carrying it have not been put on sale yet.",
               "If you bought it, report it below and tell us where you bought it."),
    },
    Verdict.GENUINE_LICENCE_WITHDRAWN: {
        "zh": ("真品：使用人资格已被撤销", "该标签在许可有效期内合法发放，使用人之后被撤销了使用资格；在售存货仍属合法。",
               "可以放心购买存货；如发现在撤销后新生产的产品使用该标志，请举报。"),
        "en": ("Genuine, issued before the licence was withdrawn", "The label was issued lawfully while the licence was valid; the user's licence has since been withdrawn. Stock in circulation remains lawful.",
               "Existing stock is fine; report products made after the withdrawal that still carry the mark."),
    },
    Verdict.SUSPECT_CLONE: {
        "zh": ("可疑：该码可能被复制", "这个码被来自多处或相距过远的地点查验，真实标签不应如此。",
               "请勿购买，并通过下方“举报问题”告诉我们购买地点。"),
        "en": ("Suspicious: this code may have been copied", "The code has been checked from too many places, or from places too far apart, for one real label.",
               "Do not buy it; use “Report a problem” below to tell us where you saw it."),
    },
    Verdict.SUSPENDED: {
        "zh": ("暂停：正在调查中", "该批次正在接受调查（抽检结果待最终确定，或使用人的使用资格被暂停），监管部门正在调查。", "暂勿购买或食用，请关注公示结果。"),
        "en": ("Suspended: under investigation", "This batch is under investigation (an inspection result not yet final, or the user's licence suspended); regulators are investigating.",
               "Do not buy or consume it for now; see the public notices for the outcome."),
    },
    Verdict.MISMATCH: {
        "zh": ("不符：链接与标签不一致", "这个码是登记发放的标签码，但扫到的链接中的商品条码（GTIN）或批号与该标签所属的商品或批次不一致：标签可能被贴到了别的商品上。",
               "请核对包装上的商品条码和批号；如不一致，请勿购买，并通过下方“举报问题”告诉我们购买地点。"),
        "en": ("Mismatch: the link does not match the label", "This is a registered label code, but the product code (GTIN) or lot in the link you scanned is not the one the label was issued for: the label may have been put on another product.",
               "Compare the barcode and lot printed on the pack; if they differ, do not buy it and use “Report a problem” below to tell us where you saw it."),
    },
    Verdict.RECALLED: {
        "zh": ("已召回：该批次已被召回", "该批次经检验不合格，已被监管部门召回。", "请勿食用，可向销售者退货，并查看召回公告。"),
        "en": ("Recalled", "This batch failed inspection and has been recalled by the regulator.",
               "Do not consume it; return it to the seller and see the recall notice."),
    },
    Verdict.REVOKED: {
        "zh": ("已撤销：该标志已被撤销", "监管部门已撤销该标签或批次的专用标志使用。", "该产品不得作为地理标志产品销售，请举报售卖情况。"),
        "en": ("Revoked", "The regulator has revoked the special mark on this label or batch.",
               "The product may not be sold as a GI product; please report where you saw it."),
    },
    Verdict.VOID: {
        "zh": ("已作废：该标签已作废", "该标签因破损或印刷错误已被使用人作废，不应出现在市场上。", "请举报购买地点。"),
        "en": ("Void", "The licensee voided this label (damaged or misprinted); it should not be on the market.",
               "Please report where you bought it."),
    },
    Verdict.MALFORMED: {
        "zh": ("请检查输入：码有误", "这个码的格式或校验位不正确，多半是输入或扫描错误，并不代表假货。",
               "请对照标签重新输入或重新扫描。"),
        "en": ("Please check what you typed", "This code's format or check character is wrong: most likely a typing or scanning slip, not a fake.",
               "Re-enter the code from the label or scan it again."),
    },
    Verdict.UNKNOWN: {
        "zh": ("未登记：可能是假冒标志", "这不是已登记发放的地理标志专用标志码。", "请勿购买，并通过下方“举报问题”或 12315 举报。"),
        "en": ("Not registered: possibly counterfeit", "This is not a registered GI special-mark code.",
               "Do not buy it; report it below or call 12315."),
    },
}  # fmt: skip


# A verdict in a few words, for a carton's summary ("24 genuine, 2 not active").
SHORT: dict[Verdict, tuple[str, str]] = {
    Verdict.GENUINE: ("真品", "genuine"),
    Verdict.NOT_ACTIVE: ("未激活", "not active"),
    Verdict.GENUINE_LICENCE_WITHDRAWN: ("真品（许可已撤回）", "genuine, licence withdrawn"),
    Verdict.SUSPECT_CLONE: ("疑似复制", "suspected copies"),
    Verdict.SUSPENDED: ("暂停", "suspended"),
    Verdict.MISMATCH: ("不符", "mismatched"),
    Verdict.RECALLED: ("已召回", "recalled"),
    Verdict.REVOKED: ("已撤销", "revoked"),
    Verdict.VOID: ("已作废", "void"),
    Verdict.MALFORMED: ("码有误", "malformed"),
    Verdict.UNKNOWN: ("未登记", "unknown"),
}

# The gravest first: a carton answers with the gravest verdict among its units.
GRAVITY = (
    Verdict.RECALLED,
    Verdict.REVOKED,
    Verdict.VOID,
    Verdict.SUSPECT_CLONE,
    Verdict.SUSPENDED,
    Verdict.MISMATCH,
    Verdict.NOT_ACTIVE,
    Verdict.GENUINE_LICENCE_WITHDRAWN,
    Verdict.GENUINE,
)


def contents_line(kind: str, counts: dict[Verdict, int], lang: str) -> str:
    """ "This carton holds 26 units: 24 genuine, 2 not active." in the page's language."""
    total = sum(counts.values())
    parts = [(SHORT[v], counts[v]) for v in GRAVITY[::-1] if counts.get(v)]
    if lang == "en":
        listed = ", ".join(f"{n} {names[1]}" for names, n in parts)
        noun = "pallet" if kind == "pallet" else "carton"
        return f"This {noun} holds {total} units" + (f": {listed}." if listed else ".")
    listed = "，".join(f"{n} 件{names[0]}" for names, n in parts)
    noun = "托盘" if kind == "pallet" else "箱"
    return f"此{noun}内共 {total} 件" + (f"：{listed}。" if listed else "。")

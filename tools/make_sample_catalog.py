#!/usr/bin/env python3
"""Writes tariffs/catalog/sample-catalog.csv: an ILLUSTRATIVE catalog of a place
of treatment (就医地目录), not a real one.

Deterministic (a fixed linear congruential generator, no `random`), Python 3
standard library only. Columns: code,name,class,selfpay_ratio,price_limit.

  YPnnnn  drugs (药品)          classes A/B/C, few price limits
  XMnnnn  services (医疗服务项目) classes A/B/C, many price limits
  HCnnnn  materials (医用耗材)   classes A/B/C, most with price limits

B rows carry a first-pay ratio (乙类先行自付) between 0.05 and 0.30, except
every sixth B row, which leaves it empty so the tariff's default applies.

Usage: python3 tools/make_sample_catalog.py [output.csv]
"""
import csv
import io
import os
import sys

DRUGS = [
    "阿莫西林胶囊", "头孢呋辛酯片", "左氧氟沙星片", "阿奇霉素片", "布洛芬缓释胶囊",
    "对乙酰氨基酚片", "二甲双胍片", "格列美脲片", "阿卡波糖片", "胰岛素注射液",
    "氨氯地平片", "硝苯地平控释片", "缬沙坦胶囊", "厄贝沙坦片", "美托洛尔缓释片",
    "阿托伐他汀钙片", "瑞舒伐他汀钙片", "阿司匹林肠溶片", "氯吡格雷片", "华法林钠片",
    "奥美拉唑肠溶胶囊", "泮托拉唑钠注射剂", "蒙脱石散", "多潘立酮片", "铝碳酸镁咀嚼片",
    "氨溴索口服溶液", "孟鲁司特钠片", "沙丁胺醇气雾剂", "布地奈德混悬液", "复方甘草片",
    "地塞米松注射液", "甲泼尼龙片", "氯化钠注射液", "葡萄糖注射液", "人血白蛋白",
    "头孢曲松钠注射剂", "哌拉西林他唑巴坦注射剂", "万古霉素注射剂", "甲硝唑氯化钠注射液", "利奈唑胺片",
    "复方丹参滴丸", "连花清瘟胶囊", "银杏叶提取物注射液", "血塞通注射剂", "六味地黄丸",
]
# Package specifications by dosage form (the last characters of the name).
DRUG_SPECS = {
    "胶囊": ["0.25g×24粒", "0.5g×12粒", "20mg×14粒"],
    "片": ["10mg×28片", "0.5g×12片", "5mg×30片"],
    "注射液": ["5ml:10mg", "100ml:0.9g", "2ml:5mg"],
    "注射剂": ["1g/瓶", "0.5g/瓶", "2g/瓶"],
    "丸": ["每丸9g×10丸", "27mg×180丸"],
    "散": ["3g×10袋"],
    "溶液": ["100ml/瓶"],
    "混悬液": ["2ml:1mg×5支"],
    "气雾剂": ["100μg×200揿"],
    "白蛋白": ["10g/瓶(20%,50ml)"],
}


def drug_spec(name: str, i: int) -> str:
    for form, specs in DRUG_SPECS.items():
        if name.endswith(form):
            return specs[i % len(specs)]
    return "1盒"

SERVICES = [
    "普通门诊诊察费", "副主任医师诊察费", "急诊诊察费", "住院诊察费", "床位费(三人间)",
    "床位费(单人间)", "Ⅰ级护理", "Ⅱ级护理", "静脉输液", "肌肉注射",
    "血常规", "尿常规", "肝功能检测", "肾功能检测", "血糖测定",
    "糖化血红蛋白测定", "心电图检查", "动态心电图", "胸部X线摄影", "腹部彩色多普勒超声",
    "心脏彩色多普勒超声", "头颅CT平扫", "胸部CT平扫", "腰椎磁共振成像", "胃镜检查",
    "结肠镜检查", "经皮冠状动脉支架植入术", "心脏室间隔缺损修补术", "动脉导管未闭封堵术", "阑尾切除术",
    "腹腔镜胆囊切除术", "全髋关节置换术", "白内障超声乳化摘除术", "血液透析", "中医针刺",
    "推拿治疗", "康复评定", "麻醉(全身麻醉)", "病理检查", "输血",
]
MATERIALS = [
    "一次性输液器", "一次性注射器", "医用外科口罩", "医用纱布块", "留置针",
    "导尿包", "冠状动脉药物洗脱支架", "球囊扩张导管", "心脏封堵器", "人工髋关节假体",
    "人工晶状体", "骨科接骨板", "可吸收缝线", "吻合器", "透析器",
    "中心静脉导管", "负压引流装置", "医用胶带", "一次性手术包", "止血材料",
]
# A typical unit price (yuan) per base name, in list order: price limits are
# drawn between 80% and 120% of it so that they look plausible.
DRUG_PRICES = [
    12, 25, 18, 22, 15, 6, 9, 30, 40, 68, 20, 35, 28, 32, 26,
    24, 38, 10, 45, 8, 16, 42, 14, 12, 15, 28, 48, 30, 55, 6,
    2, 18, 3, 3, 380, 20, 60, 150, 10, 200, 25, 20, 35, 40, 18,
]
SERVICE_PRICES = [
    10, 25, 20, 15, 40, 120, 30, 18, 8, 3, 20, 10, 60, 50, 5,
    60, 25, 200, 60, 150, 220, 160, 260, 700, 300, 450, 12000, 18000, 9000, 2500,
    3500, 15000, 4000, 400, 30, 35, 40, 800, 200, 250,
]
MATERIAL_PRICES = [
    5, 1, 1, 2, 30, 20, 6000, 1800, 12000, 25000, 3000, 4000, 150, 2800, 300,
    600, 400, 10, 120, 500,
]
MATERIAL_SPECS = ["普通型", "进口", "国产", "加强型", "儿童型"]
B_RATIOS = ["0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]


class Lcg:
    """Numerical Recipes' 32-bit LCG: the same numbers on every platform."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFF

    def next(self) -> int:
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state >> 8

    def below(self, n: int) -> int:
        return self.next() % n


def money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def rows():
    rng = Lcg(20250101)
    b_count = 0

    def pick_class(weights):
        r = rng.below(100)
        if r < weights[0]:
            return "A"
        if r < weights[0] + weights[1]:
            return "B"
        return "C"

    def plausible(yuan):
        # 80% .. 120% of the typical price, to the fen.
        return money(yuan * 80 + rng.below(yuan * 40 + 1))

    def b_ratio():
        nonlocal b_count
        b_count += 1
        if b_count % 6 == 0:
            return ""
        return B_RATIOS[rng.below(len(B_RATIOS))]

    # Drugs: 120 rows, about 45% A, 40% B, 15% C; one in five has a price limit.
    for i in range(120):
        base = DRUGS[i % len(DRUGS)]
        name = f"{base}({drug_spec(base, i // len(DRUGS))})"
        cls = pick_class((45, 40))
        ratio = b_ratio() if cls == "B" else ""
        limit = plausible(DRUG_PRICES[i % len(DRUGS)]) if rng.below(5) == 0 else ""
        yield (f"YP{i + 1:04d}", name, cls, ratio, limit)
    # Services: 100 rows, about 55% A, 30% B, 15% C; half have a price limit.
    for i in range(100):
        base = SERVICES[i % len(SERVICES)]
        name = base if i < len(SERVICES) else f"{base}({['加收', '复查', '床旁', '儿童'][i // len(SERVICES) % 4]})"
        cls = pick_class((55, 30))
        ratio = b_ratio() if cls == "B" else ""
        limit = plausible(SERVICE_PRICES[i % len(SERVICES)]) if rng.below(2) == 0 else ""
        yield (f"XM{i + 1:04d}", name, cls, ratio, limit)
    # Materials: 80 rows, about 20% A, 55% B, 25% C; three in five have a price limit.
    for i in range(80):
        name = f"{MATERIALS[i % len(MATERIALS)]}({MATERIAL_SPECS[(i // len(MATERIALS)) % len(MATERIAL_SPECS)]})"
        cls = pick_class((20, 55))
        ratio = b_ratio() if cls == "B" else ""
        limit = plausible(MATERIAL_PRICES[i % len(MATERIALS)]) if rng.below(5) < 3 else ""
        yield (f"HC{i + 1:04d}", name, cls, ratio, limit)


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tariffs", "catalog", "sample-catalog.csv")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "class", "selfpay_ratio", "price_limit"])
    for r in rows():
        w.writerow(r)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

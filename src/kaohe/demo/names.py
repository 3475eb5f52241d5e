"""Name material for the demo city: common surnames (by frequency) and given-name characters."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Zipf-like weights: the first surnames are far more common (王/李/张 ≈ 7% each).
SURNAME_WEIGHTS = tuple(1.0 / (i + 1) ** 0.9 for i in range(len(SURNAMES)))

GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣晨阳文博志建国峰海军亮成东哲"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英红梅琳燕萍雪琴晶婷颖慧莉倩洁佳怡雅欣悦璐瑶蕾薇琪楠月丹露"
GIVEN_COMMON = "子晓文思嘉一梓雨明家俊天永新宏春金德玉振立鸿云丽"

CITY = ("江州市", "Jiangzhou City", "3601")
COUNTIES = (
    ("临江区", "Linjiang District", "360102"),
    ("东湖区", "Donghu District", "360103"),
    ("西山区", "Xishan District", "360104"),
    ("南岭区", "Nanling District", "360105"),
    ("北城区", "Beicheng District", "360111"),
    ("青阳县", "Qingyang County", "360121"),
    ("石门县", "Shimen County", "360122"),
    ("云溪县", "Yunxi County", "360123"),
    ("白沙县", "Baisha County", "360124"),
)

# (name suffix, English, category, departments)
DEPARTMENT_UNITS = (
    ("市场监督管理局", "Market Regulation Bureau", "law_enforcement", ("综合执法科", "食品安全科", "登记注册科")),
    ("城市管理综合执法局", "Urban Management Enforcement Bureau", "law_enforcement", ("执法大队", "市容科", "法制科")),
    ("生态环境局", "Ecology and Environment Bureau", "law_enforcement", ("环境执法科", "监测科")),
    ("交通运输局", "Transport Bureau", "law_enforcement", ("运输执法科", "规划科")),
    ("应急管理局", "Emergency Management Bureau", "law_enforcement", ("安全监管科", "救援协调科")),
    ("民政局", "Civil Affairs Bureau", "service", ("社会救助科", "养老服务科", "婚姻登记处")),
    ("人力资源和社会保障局", "Human Resources and Social Security Bureau", "service",
     ("就业促进科", "社会保险科", "劳动监察科")),
    ("行政审批服务局", "Administrative Approval Bureau", "service", ("政务服务科", "投资审批科", "窗口服务科")),
    ("医疗保障局", "Healthcare Security Bureau", "service", ("待遇保障科", "基金监管科")),
    ("农业农村局", "Agriculture and Rural Affairs Bureau", "service", ("乡村振兴科", "农技推广科")),
    ("政府办公室", "Government Office", "general", ("秘书科", "督查科", "信息科")),
    ("政策研究室", "Policy Research Office", "general", ("经济研究科", "社会研究科")),
    ("财政局", "Finance Bureau", "general", ("预算科", "国库科", "财务科")),
    ("发展和改革委员会", "Development and Reform Commission", "general", ("规划科", "项目科")),
    ("司法局", "Justice Bureau", "general", ("法治督察科", "公共法律服务科")),
)

TOWNSHIP_NAMES = (
    "城关", "河东", "河西", "新桥", "石岭", "柳塘", "金沙", "青石", "白马", "桃源", "枫林", "龙泉", "松湖", "杏花",
    "梅岭", "竹溪", "荷塘", "凤凰", "黄岗", "双河", "三江", "长乐", "永安", "太平", "和平", "兴隆", "丰收", "安康",
    "清水", "碧溪", "湖滨", "花园", "滨江", "望城", "铁山", "大坪",
)
TOWNSHIP_DEPARTMENTS = ("党政综合办公室", "经济发展办公室", "社会事务办公室", "综合行政执法队", "便民服务中心")

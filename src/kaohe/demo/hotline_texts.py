"""What citizens tell the 12345 hotline in the demo: templates naming a demo person ({name}) and their
unit ({unit}) as people ring in, in the style of the hotline's labelled examples. The classifier reads
them like any other text; a name always comes with its unit, so attribution finds the right person."""

PERSON_COMPLAINTS = (
    "{unit}的{name}同志办事拖拉，材料交了一个月还没有答复。",
    "对{unit}{name}的答复很不满意，问题根本没有解决。",
    "{unit}{name}接待时态度傲慢，爱答不理，问三句回一句。",
    "{unit}工作人员{name}推诿扯皮，让我找别的部门，来回跑了四趟还没办成。",
    "投诉{unit}{name}，承诺一周内处理，结果到现在还是没人管。",
    "{unit}的{name}同志接到投诉后只打了一个电话就结案了，根本没有去核实，敷衍塞责。",
    "{unit}{name}故意刁难，明明材料齐全还说不符合要求。",
)
PROBITY = (
    "{unit}的{name}在检查时向商户吃拿卡要，暗示要好处费，请纪委调查。",
    "反映{unit}{name}办证时收了红包才给办，不送礼就一拖再拖。",
)
PRAISE = (
    "感谢{unit}{name}同志耐心细致，当天就帮我把问题解决了。",
    "{unit}的{name}同志工作认真负责，主动上门帮我们协调，非常满意。",
    "表扬{unit}{name}，下班时间到了还坚持帮我把材料审完，谢谢！",
    "{unit}{name}同志执法文明，耐心劝导，周边居民都说好，为他点赞。",
    "{unit}的{name}同志热情周到，一次性告知了所有材料，办事高效。",
)
UNIT_COMPLAINTS = (
    "{unit}窗口工作人员上班时间聊天，让群众干等，态度很差。",
    "{unit}的电话一直打不通，反映的问题没人管。",
    "{unit}对我反映的问题推来推去，至今没有解决。",
)
UNIT_PRAISE = (
    "感谢{unit}的工作人员，接到电话马上就来了，半小时就处理好了。",
    "{unit}服务热情，办事效率高，给他们点赞。",
)
QUESTIONS = (
    "请问在{unit}办理相关手续需要哪些材料？",
    "咨询一下，{unit}周末可以办理业务吗？",
    "想了解一下高校毕业生的就业见习补贴政策。",
    "路边的护栏有一段缺失，小孩子玩耍比较危险，请有关部门处理。",
    "请问社保卡丢了怎么补办？",
    "小区门口的路灯坏了好几天了，希望尽快维修。",
)

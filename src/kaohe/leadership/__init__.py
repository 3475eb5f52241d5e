"""Leadership-team and leading-cadre appraisal (领导班子和领导干部考核).

A unit's leadership team (`units.UnitLeader`) is graded 优秀/良好/一般/较差 each year; each leading cadre
has an annual and a term (任期) appraisal graded 优秀/称职/基本称职/不称职, with a 述职述廉 report written by
the cadre, a democratic evaluation (民主测评) and the committee's decision. Individual interviews (个别谈话)
are recorded and read by the appraisal committee only, and every read is audited.

Proposals are advice (`rules`): no national weights exist (cn-rules.md §1J, §4); the committee decides.
A team of a unit graded 一般 or lower cannot be 优秀 (DOMAIN.md "Units and leadership"). Democratic
scores are shown only for groups of at least the anonymity minimum of the ballots (`ballots.suppression`).
"""

"""Unit performance appraisal (机关绩效考核): units as subjects scored by the same engine, their grades
setting their staff's 优秀 quota and gating their heads, leadership members, and the values units are
scored on, with where each came from."""

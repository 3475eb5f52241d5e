"""English default texts (msgids): problem messages and explanation sentences.

The engine returns codes with params; the Django layer translates them (zh-Hans default, en) and
may reuse these English texts as msgids. Placeholders are `str.format` fields named after params.
"""

from __future__ import annotations

__all__ = ["EXPLANATIONS", "MESSAGES", "TIE_BREAK_WORDS"]

MESSAGES: dict[str, str] = {
    # rules.py: parsing
    "rule_kind_unknown": "Unknown scoring rule “{kind}”.",
    "param_missing": "The rule parameter “{name}” is missing.",
    "param_not_numeric": "The rule parameter “{name}” must be a number, not “{value}”.",
    "param_unknown": "The rule has no parameter “{name}”.",
    "param_malformed": "The rule parameter “{name}” has the wrong shape.",
    # rules.py: validation
    "target_not_positive": "The target must be greater than 0 (it is {target}).",
    "k_negative": "The deduction per unit must not be negative (it is {k}).",
    "range_empty": "The range minimum {minimum} must be below its maximum {maximum}.",
    "bands_empty": "Add at least one band.",
    "band_empty": "The band {lower}–{upper} is empty: its lower bound must be below its upper bound.",
    "band_outside_range": "The band {lower}–{upper} reaches outside the declared range.",
    "bands_gap": "The bands leave a gap from {at} to {until}.",
    "bands_overlap": "The bands overlap from {at} to {until}.",
    "score_out_of_range": "A score must be between 0 and 100 (it is {score}).",
    "rubric_empty": "The rubric needs at least one level, each with a score.",
    "rubric_level_blank": "A rubric level needs a name.",
    "rubric_level_duplicate": "The rubric level “{level}” appears twice.",
    "per_item_not_positive": "The points per item must be greater than 0 (they are {per_item}).",
    "cap_out_of_range": "The bonus cap must be above 0 and at most 100 (it is {cap}).",
    # ahp.py
    "matrix_not_square": "The comparison matrix must be square.",
    "matrix_size_out_of_range": "Compare between {minimum} and {maximum} items (there are {size}).",
    "matrix_entry_not_positive": "Every comparison must be a positive number (row {row}, column {column}).",
    "matrix_not_reciprocal": "Row {row}, column {column} must be the reciprocal of its mirror entry.",
    # scheme.py: indicators
    "choice_unknown": "“{value}” is not one of: {allowed}.",
    "indicator_code_blank": "The indicator needs a code.",
    "indicator_name_blank": "The indicator needs a Chinese name.",
    "indicator_code_duplicate": "The indicator code “{code}” is used twice in this scheme.",
    "weight_out_of_range": "A weight must be between 0 and 100 percent (it is {weight}).",
    "weight_must_be_zero": "A {rule} indicator carries no weight (it has {weight}).",
    "kind_rule_mismatch": "A {kind} indicator cannot use the {rule} rule.",
    "rater_form_rule_unsuitable": "An indicator scored from rater forms needs a numeric rule, not {rule}.",
    "direction_rule_mismatch": "The {rule} rule does not fit an indicator where {direction} is better.",
    "target_mismatch": "The indicator's target {target} differs from its rule's target {rule_target}.",
    # scheme.py: weights and settings
    "dimension_weights_sum": "The dimension weights add up to {total}%, not 100%.",
    "indicator_weights_sum": "The indicator weights of dimension {dimension} add up to {total}%, not 100%.",
    "dimension_without_indicators": "Dimension {dimension} has a weight but no scored indicator.",
    "composition_sum": "The 平时/年度/专项 shares add up to {total}%, not 100%.",
    "rater_weights_sum": "The rater weights add up to {total}%, not 100%.",
    "trim_min_raters_too_small": "Trimming the top and bottom ballot needs at least 3 raters (the setting is {value}).",
    "quarter_level_missing": "The quarterly rubric has no score for “{level}”.",
    "quota_ratio_out_of_range": "The 优秀 quota must be above 0 and at most 1 (it is {ratio}).",
    "threshold_out_of_range": "A threshold must be between 0 and 100 (it is {value}).",
    "thresholds_unordered": "Thresholds must satisfy 基本称职 {basic} < 称职 {competent} ≤ 优秀 {excellent}.",
    "min_satisfaction_out_of_range": "The satisfaction gate must be between 0 and 100 (it is {value}).",
    "bonus_coefficient_missing": "The bonus has no coefficient for grade {grade}.",
    "bonus_coefficient_negative": "The bonus coefficient for grade {grade} must not be negative.",
    "leave_share_out_of_range": "The leave limit must be a share above 0 and at most 1 (it is {value}).",
    # scheme.py: departures from the statutory profile
    "quota_above_statutory": "An 优秀 quota of {ratio} is above the statutory {ceiling}; it needs a recorded approval.",
    "quota_rounding_not_floor": "The statutory quota is rounded down; this scheme rounds “{rounding}”.",
    "composition_weighted": "A weighted 平时/年度/专项 composite is local practice; the law uses 平时 as gates.",
    "rater_score_binding": "Indicator {indicator} makes the 360° score binding; by law it is advisory only.",
    "gate_good_quarter_off": "The statutory gate “at least one 好 quarter” is switched off.",
    "gate_poor_quarter_off": "The statutory gate “no 较差 quarter” is switched off.",
    "gate_warning_off": "The statutory gate “no 警告 sanction this year” is switched off.",
    "gate_accountability_off": "The gate “no 诫勉 or heavier accountability this year” is switched off.",
    "satisfaction_gate_added": "A public-satisfaction gate of {value} is a local rule, not a statutory one.",
    "bonus_local": "This is a local 绩效奖金, not the statutory 年度考核奖金; label it so.",
    "statutory_bonus_not_one_month": "The statutory 年度考核奖金 for {grade} is 1 month of pay, not {coefficient}.",
    "statutory_bonus_unlawful": "Grade {grade} gets no 年度考核奖金 by law; {coefficient} is unlawful.",
    "leave_share_not_half": "The law excludes leave over half the year; this scheme uses {value}.",
    # cohort.py
    "column_dtype": "Column {column} has the wrong type ({actual}, expected {expected}).",
    "column_shape": "Column {column} has shape {actual}, expected {expected}.",
    "column_out_of_range": "Column {column} holds values outside its allowed range.",
    "person_ids_duplicate": "A person appears twice in the cohort.",
    "working_days_not_positive": "The year must have working days (it has {value}).",
    "waiver_not_a_deduction": (
        "A 容错免责 waiver names {indicator}, which is not a weighted indicator that can lose points."
    ),
    "quota_raise_negative": "A quota raise for group {group}, pool {pool} cannot be negative ({raise}).",
}

#: Words for the ranking keys, used in explanation sentences.
TIE_BREAK_WORDS: dict[int, str] = {
    0: "composite score",
    1: "annual (年度) score",
    2: "number of 好 quarters",
    3: "person number (a fixed last resort)",
}

EXPLANATIONS: dict[str, str] = {
    "points_lost": (
        "{indicator} {name_en} ({name_zh}) scored {score} of 100 by the {rule} rule (value {value}, "
        "target {target}); it carries {share}% of your composite, so you lost {lost} points."
    ),
    "component_points_lost": (
        "Your {component_zh} ({component}) score was {score}; it carries {share}% of your composite, "
        "so you lost {lost} points."
    ),
    "indicator_missing": "{indicator} {name_en} had no data; its weight went to the other {dimension} indicators.",
    "dimension_missing": "Dimension {dimension} had no data; its weight was spread over the other dimensions.",
    "component_missing": "You have no {component_zh} ({component}) score; its share went to the other components.",
    "bonus_points": "Bonus items earned {points} points; {added} were added to your annual score (capped at 100).",
    "veto": "A 一票否决 record ({source}) means the proposal is 不称职 whatever the score.",
    "non_grade_probation": "5A: in probation (试用期), you receive comments only, no grade.",
    "non_grade_investigation": "5B: under investigation, your grade will be set after the case closes (补定等次).",
    "non_grade_sanction": "5C: under a sanction of 记过 or heavier, you receive comments only, no grade.",
    "non_grade_leave": "6A: leave of {leave_days} days exceeds {limit_days} of {working_days} working days.",
    "gate_warning": "A 警告 sanction this year blocks 优秀.",
    "gate_accountability": "诫勉 or heavier accountability this year blocks 优秀.",
    "gate_no_good_quarter": "No quarter was rated 好, so 优秀 is not open.",
    "gate_poor_quarter": "A quarter rated 较差 blocks 优秀.",
    "gate_low_satisfaction": "Public satisfaction {satisfaction} is below the required {minimum}, which blocks 优秀.",
    "gate_unit_head": "The unit you lead was graded 一般 or lower this year, so its head cannot be 优秀.",
    "gate_party_secretary": "The 党建 result of the unit whose party organisation you lead is poor, which blocks 优秀.",
    "fault_tolerance_waiver": (
        "容错免责: a discipline decision waived {share}% of the deduction on {indicator} {name_en} ({name_zh}); "
        "its score rose from {before} to {score}."
    ),
    "group_quota_ratio": (
        "Your group's 优秀 quota is {ratio}% of participants, set by your unit's appraisal result "
        "(the scheme's own ratio is {scheme_ratio}%)."
    ),
    "excellent_threshold_not_reached": "Your composite {composite} is below the 优秀 threshold {threshold}.",
    "quota_rank": "You ranked {rank} of {candidates} 优秀 candidates for {quota} places in your group.",
    "tie_break_above": "You ranked above the next candidate on the {key_words}.",
    "tie_break_below": "You ranked below the previous candidate on the {key_words}.",
    "no_score": "There is no score to grade; the grade is left to the committee.",
    "grade_proposed": "Proposed grade: {grade_zh} ({grade}), composite {composite}.",
}

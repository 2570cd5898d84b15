-- The factors of each assessment in the history too, so that a profile asked as of a past
-- instant shows the assessment then in force with what made it up. Rows written before this
-- migration have none (null).

ALTER TABLE risk_assessment_history ADD COLUMN factors jsonb;

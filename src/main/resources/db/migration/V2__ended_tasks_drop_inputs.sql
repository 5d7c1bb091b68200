-- A task's input is deleted the moment the task ends (in the same transaction); drop those that earlier versions kept.
DELETE FROM task_inputs WHERE task_id IN (SELECT id FROM tasks WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED'));

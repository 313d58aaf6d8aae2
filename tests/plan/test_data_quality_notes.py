"""The seed's self-contradictions are kept in both versions and recorded as notes."""

from __future__ import annotations

from datetime import date

from envplan.plan import Plan


def _notes_about(plan: Plan, item_id: str) -> list[str]:
    return [n.id for n in plan.data_quality_notes if item_id in n.subjects]


def test_rows_9_and_10_lead_differs_from_body(plan: Plan) -> None:
    tasks = {k.id: k for k in plan.subplan("air").key_tasks}
    measures = {m.id: m for m in plan.subplan("air").measures}
    for task_id, measure_id in (("air-k09", "air-m06"), ("air-k10", "air-m07")):
        assert [plan.unit(u).name for u in tasks[task_id].lead_units] == ["市生态环境局"]
        assert [plan.unit(u).name for u in measures[measure_id].lead_units] == ["市能源局"]
        assert _notes_about(plan, task_id)


def test_row_11_keeps_annex_and_body_deadlines(plan: Plan) -> None:
    task = next(k for k in plan.subplan("air").key_tasks if k.id == "air-k11")
    body = next(m for m in plan.subplan("air").measures if m.id == "air-m08")
    assert task.deadline.due == date(2021, 9, 30)
    assert [m.due for m in body.deadline.milestones] == [date(2021, 3, 31), date(2021, 9, 30)]
    assert "dq-air-k11" in _notes_about(plan, "air-k11")


def test_row_45_deadline_before_issue_is_noted(plan: Plan) -> None:
    task = next(k for k in plan.subplan("air").key_tasks if k.id == "air-k45")
    assert task.deadline.due == date(2021, 3, 31) < plan.issued
    assert _notes_about(plan, "air-k45")


def test_empty_cells_are_inferred_visibly(plan: Plan) -> None:
    tasks = {k.number: k for k in plan.subplan("air").key_tasks}
    for number in (14, 16):
        assert tasks[number].lead_raw is None
        assert set(tasks[number].inferred_fields) == {"deadline", "lead_units"}
    for number in (26, 36, 37, 38, 39, 41, 42, 43, 44, 46):
        assert tasks[number].lead_raw is None, number
        assert tasks[number].inferred_fields == ("lead_units",), number
    # Printed cells are not marked as inferred.
    assert tasks[15].lead_raw == "市能源局" and tasks[15].inferred_fields == ()
    assert tasks[40].lead_raw == "市生态环境局" and tasks[40].inferred_fields == ()
    for number in (14, 16, 26, 36, 37, 38, 39, 41, 42, 43, 44, 46):
        assert _notes_about(plan, f"air-k{number:02d}"), number


def test_wording_differences_are_noted(plan: Plan) -> None:
    tasks = {k.number: k for k in plan.subplan("air").key_tasks}
    measures = {m.number: m for m in plan.subplan("air").measures}
    assert "制定化工" in tasks[4].text and "煤化工" in measures["3"].text
    assert "非化石能源" in tasks[16].text and "战略性新兴产业" in measures["12"].text
    assert "严控控制" in tasks[16].text  # the annex typo is kept, not fixed
    assert _notes_about(plan, "air-k04") and _notes_about(plan, "air-k16")


def test_chengqu_alias_note_and_resolution(plan: Plan) -> None:
    unit = plan.find_unit("城区政府")
    assert unit is not None and unit.name == "城区人民政府"
    assert _notes_about(plan, "air-k28")


def test_every_note_names_existing_items(plan: Plan) -> None:
    ids = {i.id for i in plan.supervised_items()}
    ids |= {t.id for s in plan.subplans for t in s.targets}
    for note in plan.data_quality_notes:
        assert note.note and note.resolution
        assert set(note.subjects) <= ids, note.id

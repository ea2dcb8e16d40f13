"""A saved template chosen by hand for a sheet whose columns differ a little from the one it was saved for."""

from __future__ import annotations

from metrics.intake import saved_mappings

SAVED_HEADERS = ["구분", "번호", "건명", "접수 일자", "완료일"]
SAVED = {"구분": "case_type", "번호": "ref", "건명": "title", "접수 일자": "received", "완료일": "completed"}


def test_templates_sharing_columns_come_most_in_common_first(engine):
    saved_mappings.save_template(engine, "접수대장", "cases", SAVED_HEADERS, SAVED)
    saved_mappings.save_template(engine, "행사", "events", ["일", "무엇"], {"일": "date", "무엇": "event_type"})
    saved_mappings.save_template(engine, "짧은 대장", "cases", ["번호", "비고"], {"번호": "ref", "비고": ""})
    # This sheet has 구분, 번호, 건명 and 접수일자 (spaced differently) of the first: 4 in common;
    # of the third only 번호 (its 비고 plays no role, so it does not count): 1; the events template none.
    sheet = ["구분", "번호", "건명", "접수일자", "처리 결과"]
    ranked = saved_mappings.closest_templates(engine, sheet)
    assert [(t.name, n) for t, n in ranked] == [("접수대장", 4), ("짧은 대장", 1)]
    assert saved_mappings.closest_templates(engine, sheet, kind="events") == []


def test_a_chosen_template_gives_its_roles_to_the_columns_it_knows():
    template = saved_mappings.Template("접수대장", "cases", SAVED, {})
    sheet = ["구분", "번호", "건명", "접수일자", "처리 결과", "담당자"]
    # What detection suggested: 처리 결과 as the completion date, 담당자 as the title.
    start = {"구분": "case_type", "번호": "", "건명": "", "접수일자": "", "처리 결과": "completed", "담당자": "title"}
    mapped = saved_mappings.apply_template(template, sheet, start)
    assert mapped == {
        "구분": "case_type", "번호": "ref", "건명": "title", "접수일자": "received",
        "처리 결과": "completed",  # the template has no such column and nobody else completes: kept
        "담당자": "",  # the template gives 'title' to 건명: the suggestion gives way
    }


def test_roles_that_may_repeat_are_kept_beside_the_templates():
    template = saved_mappings.Template("설문", "trainee_survey", {"과정": "course", "강사": "item"}, {})
    mapped = saved_mappings.apply_template(template, ["과정", "강사", "교재"], {"과정": "course", "강사": "item", "교재": "item"},
                                      multiple=frozenset({"item"}))
    assert mapped == {"과정": "course", "강사": "item", "교재": "item"}

"""The core's Korean messages fit their particles to the word before them, as the labels do (issue 12)."""

from __future__ import annotations

import pytest

from metrics import store
from metrics.messages import Message


@pytest.mark.parametrize(("written", "said"), [
    ("업로드 #24을(를) 취소했습니다.", "업로드 #24를 취소했습니다."),
    ("업로드 #13을(를) 취소했습니다.", "업로드 #13을 취소했습니다."),
    ("'교육생 만족도'(으)로 읽었습니다.", "'교육생 만족도'로 읽었습니다."),
    ("'출석 명부'(으)로 읽었습니다.", "'출석 명부'로 읽었습니다."),
    ("'처리기한 업무'(으)로 읽었습니다.", "'처리기한 업무'로 읽었습니다."),
    ("'시정·보상'(으)로 다시 실행하세요.", "'시정·보상'으로 다시 실행하세요."),
])
def test_a_core_message_says_the_particle_that_fits_the_word(written, said):
    message = Message(written, "English")
    assert message.text("ko") == said
    assert str(message) == f"{said} / English"
    assert message.text("en") == "English"


def test_undoing_an_upload_twice_says_its_number_with_the_right_particle(engine):
    with pytest.raises(store.UnknownUploadError) as caught:
        store.undo_upload(engine, 24)
    assert "업로드 #24를 찾을 수 없" in caught.value.message.text("ko")
    assert "(를)" not in str(caught.value)

"""Korean particles that follow the word before them: 업로드 #24를, 3,500을, '만족도'를 (issue 12).

A Korean text written with a both-ways particle, 을(를), 이(가), 은(는), 과(와), (으)로, keeps the one that fits
the word before it. Labels (ui.i18n) and the core's messages (metrics.messages) both ask here.
"""

from __future__ import annotations

import re

# Both-ways particles and their (after a final consonant, after a vowel) forms.
PARTICLES = {"을(를)": ("을", "를"), "이(가)": ("이", "가"), "은(는)": ("은", "는"), "과(와)": ("과", "와")}
_PARTICLE = re.compile(r"(을\(를\)|이\(가\)|은\(는\)|과\(와\)|\(으\)로)")
# How the last digit of a number is read (일, 이, 삼 ...): "l" for a final ㄹ, "c" for another final consonant.
DIGIT_FINALS = {"0": "c", "1": "l", "2": "", "3": "c", "4": "", "5": "", "6": "c", "7": "l", "8": "l", "9": ""}


def final_sound(word: str) -> str:
    """How a word ends when read aloud: "" after a vowel, "l" after ㄹ, "c" after another final consonant."""
    word = word.rstrip().rstrip("'\")]』」*")
    last = word[-1:]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return "" if final == 0 else "l" if final == 8 else "c"
    if last.isdigit():
        # 10 십, 100 백, 1,000 천, 10,000 만 all end in a consonant; otherwise the last digit decides.
        return "c" if last == "0" and len(word.replace(",", "")) > 1 else DIGIT_FINALS[last]
    return ""  # %, Latin letters and the rest are read ending in a vowel (퍼센트, 에이, 케이)


def josa(filled: str) -> str:
    """Each both-ways particle in `filled` as the word before it is read (를 after 24, 을 after 3,500)."""
    def pick_one(match: re.Match[str]) -> str:
        sound = final_sound(filled[: match.start()])
        if match.group(0) == "(으)로":
            return "으로" if sound == "c" else "로"
        consonant, vowel = PARTICLES[match.group(0)]
        return consonant if sound else vowel

    return _PARTICLE.sub(pick_one, filled)

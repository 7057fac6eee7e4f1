"""Turn a :class:`Document` into the speech script: what each chapter says, sentence by sentence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .fsutil import slugify, unique_slugs
from .model import ChapterScript, Document, GuideScript, Section, Utterance
from .speech import Lexicon, split_sentences, to_speech


@dataclass(frozen=True)
class ScriptOptions:
    """Choices about what the narrator says besides the guide's own words."""

    contents: bool = True
    """Start with a spoken contents chapter listing every chapter."""
    signposts: bool = True
    """End each chapter with "End of chapter 2. Next: ..."."""
    engine: str = "pyttsx3"
    """The engine the script is for (lexicon entries can differ per engine)."""
    lexicon: Lexicon | None = None
    """Pronunciations to apply; ``None`` means the built-in medical lexicon."""
    memo: Mapping[str, str] | None = None
    """Speech text already worked out for display sentences (by an earlier build with the same engine,
    lexicon and rules), used instead of working it out again."""


def _finish(text: str) -> str:
    """Give a fragment (a list item, a heading) closing punctuation so it is read as a sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?…:;" and not text.endswith(('."', ".”", "?”", '?"')):
        text += "."
    return text


def _group(document: Document) -> list[tuple[Section, list[Section]]]:
    chapters: list[tuple[Section, list[Section]]] = []
    for section in document.sections:
        if section.level <= 1 or not chapters:
            chapters.append((section, []))
        else:
            chapters[-1][1].append(section)
    return chapters


def _summary(sections: list[Section], limit: int = 280) -> str:
    text = ""
    for section in sections:
        for paragraph in section.paragraphs:
            for sentence in split_sentences(paragraph):
                candidate = f"{text} {sentence}".strip()
                if len(candidate) > limit:
                    return text or sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
                text = candidate
    return text


class _Speaker:
    def __init__(self, options: ScriptOptions) -> None:
        self.options = options
        self.lexicon = options.lexicon if options.lexicon is not None else Lexicon.builtin()

    def say(
        self, text: str, kind: str = "sentence", pause: str = "sentence", subsection: int | None = None
    ) -> Utterance:
        display = _finish(text)
        known = self.options.memo.get(display) if self.options.memo else None
        return Utterance(
            text=display,
            speech=known if known is not None else to_speech(display, self.lexicon, self.options.engine),
            kind=kind,  # type: ignore[arg-type]
            pause_after=pause,
            subsection=subsection,
        )


def _number_words(n: int) -> str:
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    return words[n] if n < len(words) else str(n)


def make_script(document: Document, options: ScriptOptions | None = None) -> GuideScript:
    """Build the speech script of ``document``."""
    options = options or ScriptOptions()
    speaker = _Speaker(options)
    groups = _group(document)
    title = document.title or groups[0][0].title
    total = len(groups)
    slugs = unique_slugs([head.title for head, _ in groups])
    chapters: list[ChapterScript] = []

    if options.contents and total > 1:
        lines = [speaker.say(f"{title}.", "orientation", "paragraph")]
        lines.append(speaker.say(f"This guide has {_number_words(total)} chapters.", "orientation", "paragraph"))
        for n, (head, _) in enumerate(groups, 1):
            lines.append(speaker.say(f"Chapter {n}: {head.title}", "orientation", "sentence"))
        lines.append(
            speaker.say(
                "Chapter one starts next. You can skip to any chapter in your podcast app.", "orientation", "none"
            )
        )
        chapters.append(
            ChapterScript(
                number=0,
                title="Contents",
                slug="contents",
                subsections=(),
                utterances=tuple(lines),
                summary=f"The chapters of {title}, read aloud.",
                kind="contents",
            )
        )

    for n, ((head, subs), slug) in enumerate(zip(groups, slugs, strict=True), 1):
        utterances: list[Utterance] = [
            speaker.say(f"Chapter {n} of {total}.", "announce", "none"),
            speaker.say(head.title, "heading", "paragraph"),
        ]

        def add_paragraphs(section: Section) -> None:
            for paragraph in section.paragraphs:
                sentences = split_sentences(paragraph) or [paragraph]
                for k, sentence in enumerate(sentences):
                    last = k == len(sentences) - 1
                    utterances.append(speaker.say(sentence, "sentence", "paragraph" if last else "sentence"))

        add_paragraphs(head)
        for index, sub in enumerate(subs):
            if utterances:
                utterances[-1] = _with_pause(utterances[-1], "heading")
            utterances.append(speaker.say(sub.title, "heading", "paragraph", subsection=index))
            add_paragraphs(sub)
        if options.signposts:
            utterances[-1] = _with_pause(utterances[-1], "heading")
            if n < total:
                nxt = groups[n][0].title
                closing = f"End of chapter {n}. Next: {_finish(nxt)}"
            else:
                closing = f"End of chapter {n}. This is the end of the guide."
            utterances.append(speaker.say(closing, "orientation", "none"))
        else:
            utterances[-1] = _with_pause(utterances[-1], "none")
        chapters.append(
            ChapterScript(
                number=n,
                title=head.title,
                slug=slug,
                subsections=tuple(s.title for s in subs),
                utterances=tuple(utterances),
                summary=_summary([head, *subs]),
            )
        )
    return GuideScript(
        title=title,
        slug=slugify(title, "guide"),
        language=document.language,
        chapters=tuple(chapters),
    )


def _with_pause(utterance: Utterance, pause: str) -> Utterance:
    from dataclasses import replace

    return replace(utterance, pause_after=pause)

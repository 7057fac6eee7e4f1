"""Make guidance text speakable: drop debris, clean paragraphs, split sentences, expand words."""

from audioguide.speech.clean import clean_paragraph, dedupe_paragraphs, is_generic_link
from audioguide.speech.debris import is_debris_line
from audioguide.speech.lexicon import LexEntry, Lexicon
from audioguide.speech.normalise import to_speech
from audioguide.speech.sentences import split_sentences

__all__ = [
    "LexEntry",
    "Lexicon",
    "clean_paragraph",
    "dedupe_paragraphs",
    "is_debris_line",
    "is_generic_link",
    "split_sentences",
    "to_speech",
]

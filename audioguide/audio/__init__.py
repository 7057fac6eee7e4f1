"""Sentence audio into chapters, one job per module, each standing only on those before it:

- :mod:`.prepared`: each sentence limited and measured once, kept in the cache;
- :mod:`.layout`: a chapter laid out in MP3 segments, and its one gain;
- :mod:`.render`: segments encoded, joined into a tagged chapter MP3;
- :mod:`.chapters`: the build's chapter step, using the three above in worker processes.

WAV input and output (:mod:`audioguide.wav`) and tool lookup (:mod:`audioguide.tools`) sit below, in
the foundation, so that earlier stages never import this package.
"""

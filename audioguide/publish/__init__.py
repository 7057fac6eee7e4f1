"""Publishers: everything a build writes besides the audio (feed, transcripts, cover, page...)."""

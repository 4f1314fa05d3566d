"""Carrying a source's sound into an MP4: packets copied when MP4 players know the codec, else AAC."""

from __future__ import annotations

from typing import Literal

import av
from av.audio.stream import AudioStream
from av.container import OutputContainer

# What browsers and phones play inside MP4; FFmpeg also muxes PCM, FLAC or Vorbis there, which most do not.
MP4_AUDIO_CODECS = frozenset({"aac", "mp3", "ac3", "eac3", "opus"})


class CopiedAudio:
    """Remuxes the source's packets untouched: no quality loss, no encoding time."""

    mode: Literal["copied"] = "copied"

    def __init__(self, output: OutputContainer, source: AudioStream) -> None:
        self._output = output
        self._stream = output.add_stream_from_template(source)

    def write(self, packet: av.Packet) -> None:
        if packet.dts is None:  # the empty packet demux ends each stream with
            return
        packet.stream = self._stream
        self._output.mux(packet)

    def flush(self) -> None:
        pass


class TranscodedAudio:
    """Decodes the source's packets and encodes them to AAC at the source's sample rate, in mono or stereo.

    Mono or stereo because AAC refuses the unnamed layouts PCM tracks often carry; surround is downmixed.
    """

    mode: Literal["transcoded"] = "transcoded"

    def __init__(self, output: OutputContainer, source: AudioStream) -> None:
        self._output = output
        self._source = source
        layout = "mono" if source.channels == 1 else "stereo"
        self._stream = output.add_stream("aac", rate=source.rate, layout=layout)

    def write(self, packet: av.Packet) -> None:
        for frame in self._source.decode(packet):
            self._output.mux(self._stream.encode(frame))

    def flush(self) -> None:
        self._output.mux(self._stream.encode(None))


def carry_audio(output: OutputContainer, source: AudioStream) -> CopiedAudio | TranscodedAudio:
    """Add an audio stream for `source` to `output`, copied when its codec plays in MP4, else as AAC."""
    if source.codec.canonical_name in MP4_AUDIO_CODECS:  # the codec, not its decoder (mp3float)
        return CopiedAudio(output, source)
    return TranscodedAudio(output, source)

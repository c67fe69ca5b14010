using System.Buffers.Binary;

namespace MedCam.Dicom.IO;

/// <summary>
/// Parses an encoded data set (PS3.5 7) from a buffer without copying values: elements become slices of the buffer.
/// Every length is checked against the bytes left, nesting is bounded, and any violation raises
/// <see cref="DicomFormatException"/> naming the offset, so hostile input cannot make it allocate or loop.
/// </summary>
internal sealed class DicomStreamParser
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly bool _bigEndian;
    private readonly DicomReadOptions _options;
    private readonly int _baseOffset;
    private bool _explicitVR;
    private int _position;

    public DicomStreamParser(ReadOnlyMemory<byte> buffer, bool explicitVR, bool bigEndian, DicomReadOptions options, int baseOffset = 0)
    {
        _buffer = buffer;
        _explicitVR = explicitVR;
        _bigEndian = bigEndian;
        _options = options;
        _baseOffset = baseOffset;
    }

    public int Position => _position;

    /// <summary>Parses top-level elements until the end of the buffer or until <paramref name="stop"/> says so.</summary>
    public DicomDataset ParseDataset(DicomCharacterSet characterSet, Func<DicomTag, bool>? stop = null)
    {
        var dataset = new DicomDataset();
        ParseElements(dataset, _buffer.Length, characterSet, 0, untilItemDelimiter: false, stop);
        return dataset;
    }

    private void ParseElements(DicomDataset dataset, int end, DicomCharacterSet characterSet, int depth, bool untilItemDelimiter, Func<DicomTag, bool>? stop)
    {
        while (_position < end)
        {
            var start = _position;
            var tag = ReadTag(end);
            if (tag == DicomTag.ItemDelimitation)
            {
                ReadUInt32(end);
                if (untilItemDelimiter)
                {
                    return;
                }

                throw Error(start, "item delimitation outside an item of undefined length");
            }

            if (stop is not null && stop(tag))
            {
                _position = start;
                return;
            }

            if (tag.Group == 0xFFFE)
            {
                throw Error(start, $"unexpected {tag} in a data set");
            }

            var (vr, length) = ReadVRAndLength(tag, end);
            var item = ParseValue(tag, vr, length, end, characterSet, depth);
            if (item.Tag == DicomTags.SpecificCharacterSet && item is DicomElement charset)
            {
                characterSet = DicomCharacterSet.FromSpecificCharacterSet(System.Text.Encoding.ASCII.GetString(charset.Data.Span));
            }

            dataset.AppendInOrder(item);
        }

        if (untilItemDelimiter)
        {
            throw Error(_position, "an item of undefined length has no item delimitation");
        }
    }

    private DicomItem ParseValue(DicomTag tag, DicomVR vr, uint length, int end, DicomCharacterSet characterSet, int depth)
    {
        if (length == uint.MaxValue)
        {
            if (tag == DicomTags.PixelData || (tag.Group == 0x7FE0 && (vr == DicomVR.OB || vr == DicomVR.OW)))
            {
                return ParseFragments(tag, vr == DicomVR.UN ? DicomVR.OB : vr, end);
            }

            if (vr == DicomVR.SQ)
            {
                return ParseSequence(tag, uint.MaxValue, end, characterSet, depth);
            }

            if (vr == DicomVR.UN)
            {
                // PS3.5 6.2.2: UN with undefined length is a sequence encoded in implicit VR little endian.
                var wasExplicit = _explicitVR;
                _explicitVR = false;
                try
                {
                    return ParseSequence(tag, uint.MaxValue, end, characterSet, depth);
                }
                finally
                {
                    _explicitVR = wasExplicit;
                }
            }

            throw Error(_position, $"{tag} has VR {vr}, which cannot have an undefined length");
        }

        if (length > (uint)(end - _position))
        {
            throw Error(_position, $"{tag} declares {length} bytes but only {end - _position} remain");
        }

        if (vr == DicomVR.SQ)
        {
            return ParseSequence(tag, length, end, characterSet, depth);
        }

        var data = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        if (_bigEndian && vr.NeedsByteSwap)
        {
            data = ByteSwap(data.Span, vr.SwapUnit);
        }

        return new DicomElement(tag, vr, data, characterSet);
    }

    private DicomSequence ParseSequence(DicomTag tag, uint length, int end, DicomCharacterSet characterSet, int depth)
    {
        if (depth >= _options.MaxSequenceDepth)
        {
            throw Error(_position, $"sequences nested deeper than {_options.MaxSequenceDepth}");
        }

        var sequenceEnd = length == uint.MaxValue ? end : _position + (int)length;
        var sequence = new DicomSequence(tag);
        while (true)
        {
            if (length != uint.MaxValue && _position == sequenceEnd)
            {
                return sequence;
            }

            var start = _position;
            var itemTag = ReadTag(sequenceEnd);
            var itemLength = ReadUInt32(sequenceEnd);
            if (itemTag == DicomTag.SequenceDelimitation)
            {
                if (length != uint.MaxValue)
                {
                    throw Error(start, $"sequence delimitation inside {tag}, which has a defined length");
                }

                return sequence;
            }

            if (itemTag != DicomTag.Item)
            {
                throw Error(start, $"expected an item in sequence {tag}, found {itemTag}");
            }

            var item = new DicomDataset();
            if (itemLength == uint.MaxValue)
            {
                ParseElements(item, sequenceEnd, characterSet, depth + 1, untilItemDelimiter: true, stop: null);
            }
            else
            {
                if (itemLength > (uint)(sequenceEnd - _position))
                {
                    throw Error(start, $"item of {tag} declares {itemLength} bytes but only {sequenceEnd - _position} remain");
                }

                ParseElements(item, _position + (int)itemLength, characterSet, depth + 1, untilItemDelimiter: false, stop: null);
            }

            sequence.Items.Add(item);
        }
    }

    private DicomFragmentSequence ParseFragments(DicomTag tag, DicomVR vr, int end)
    {
        ReadOnlyMemory<byte>? offsetTable = null;
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            var start = _position;
            var itemTag = ReadTag(end);
            var itemLength = ReadUInt32(end);
            if (itemTag == DicomTag.SequenceDelimitation)
            {
                return new DicomFragmentSequence(tag, vr, offsetTable ?? ReadOnlyMemory<byte>.Empty, fragments);
            }

            if (itemTag != DicomTag.Item || itemLength == uint.MaxValue)
            {
                throw Error(start, $"encapsulated pixel data: expected a fragment item of defined length, found {itemTag}");
            }

            if (itemLength > (uint)(end - _position))
            {
                throw Error(start, $"fragment declares {itemLength} bytes but only {end - _position} remain");
            }

            var data = _buffer.Slice(_position, (int)itemLength);
            _position += (int)itemLength;
            if (offsetTable is null)
            {
                offsetTable = data;
            }
            else
            {
                fragments.Add(data);
            }
        }
    }

    private (DicomVR VR, uint Length) ReadVRAndLength(DicomTag tag, int end)
    {
        if (!_explicitVR)
        {
            return (ImplicitVR(tag), ReadUInt32(end));
        }

        Require(2, end);
        var span = _buffer.Span;
        var first = span[_position];
        var second = span[_position + 1];
        if (!DicomVR.TryParse(first, second, out var vr))
        {
            throw Error(_position, $"{tag} has an invalid VR 0x{first:X2}{second:X2}");
        }

        _position += 2;
        if (vr.Has32BitLength)
        {
            Require(2, end);
            _position += 2;
            return (vr, ReadUInt32(end));
        }

        return (vr, ReadUInt16(end));
    }

    private static DicomVR ImplicitVR(DicomTag tag)
    {
        if (tag == DicomTags.PixelData)
        {
            return DicomVR.OW;
        }

        return DicomDictionary.ImplicitVR(tag);
    }

    private DicomTag ReadTag(int end)
    {
        var group = ReadUInt16(end);
        var element = ReadUInt16(end);
        return new DicomTag(group, element);
    }

    private ushort ReadUInt16(int end)
    {
        Require(2, end);
        var span = _buffer.Span.Slice(_position, 2);
        _position += 2;
        return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    private uint ReadUInt32(int end)
    {
        Require(4, end);
        var span = _buffer.Span.Slice(_position, 4);
        _position += 4;
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    private void Require(int count, int end)
    {
        if (end - _position < count)
        {
            throw Error(_position, $"truncated: {count} bytes needed, {end - _position} left");
        }
    }

    private static byte[] ByteSwap(ReadOnlySpan<byte> source, int unit)
    {
        var copy = source.ToArray();
        for (var i = 0; i + unit <= copy.Length; i += unit)
        {
            copy.AsSpan(i, unit).Reverse();
        }

        return copy;
    }

    private DicomFormatException Error(int offset, string message) => new($"Invalid DICOM at byte {offset + _baseOffset}: {message}.");
}

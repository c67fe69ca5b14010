using System.Buffers.Binary;

namespace MedCam.Dicom.IO;

/// <summary>
/// Encodes a data set (PS3.5 7): sequences and items with undefined length, values padded to even length, group
/// lengths recomputed for groups 0000 and 0002 and dropped elsewhere (retired, PS3.5 7.2).
/// </summary>
internal sealed class DicomStreamWriter
{
    private readonly Stream _stream;
    private readonly bool _explicitVR;
    private readonly bool _bigEndian;
    private readonly byte[] _scratch = new byte[16];

    public DicomStreamWriter(Stream stream, bool explicitVR, bool bigEndian)
    {
        _stream = stream;
        _explicitVR = explicitVR;
        _bigEndian = bigEndian;
    }

    public void WriteDataset(DicomDataset dataset)
    {
        var items = dataset.Where(i => !i.Tag.IsGroupLength).ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var group = items[i].Tag.Group;
            if ((group == 0x0000 || group == 0x0002) && (i == 0 || items[i - 1].Tag.Group != group))
            {
                long length = 0;
                for (var j = i; j < items.Count && items[j].Tag.Group == group; j++)
                {
                    length += EncodedLength(items[j]);
                }

                WriteHeader(new DicomTag(group, 0x0000), DicomVR.UL, 4);
                WriteUInt32((uint)length);
            }

            WriteItem(items[i]);
        }
    }

    /// <summary>Bytes an item takes when encoded (header included).</summary>
    public long EncodedLength(DicomItem item)
    {
        switch (item)
        {
            case DicomElement e:
                return HeaderLength(e.VR) + PaddedLength(e.Data.Length);
            case DicomSequence s:
                long total = HeaderLength(DicomVR.SQ) + 8;
                foreach (var child in s.Items)
                {
                    total += 16 + child.Where(c => !c.Tag.IsGroupLength).Sum(EncodedLength);
                }

                return total;
            case DicomFragmentSequence f:
                return HeaderLength(f.VR) + 8 + PaddedLength(f.BasicOffsetTable.Length) + f.Fragments.Sum(x => 8L + PaddedLength(x.Length)) + 8;
            default:
                throw new InvalidOperationException($"Unknown item type {item.GetType().Name}.");
        }
    }

    private void WriteItem(DicomItem item)
    {
        switch (item)
        {
            case DicomElement e:
                WriteElement(e);
                break;
            case DicomSequence s:
                WriteHeader(s.Tag, DicomVR.SQ, uint.MaxValue);
                foreach (var child in s.Items)
                {
                    WriteTagAndLength(DicomTag.Item, uint.MaxValue);
                    WriteDataset(child);
                    WriteTagAndLength(DicomTag.ItemDelimitation, 0);
                }

                WriteTagAndLength(DicomTag.SequenceDelimitation, 0);
                break;
            case DicomFragmentSequence f:
                WriteHeader(f.Tag, f.VR, uint.MaxValue);
                WriteFragment(f.BasicOffsetTable.Span);
                foreach (var fragment in f.Fragments)
                {
                    WriteFragment(fragment.Span);
                }

                WriteTagAndLength(DicomTag.SequenceDelimitation, 0);
                break;
        }
    }

    private void WriteElement(DicomElement element)
    {
        var data = element.Data.Span;
        var padded = PaddedLength(data.Length);
        if (padded > uint.MaxValue - 1 || (!element.VR.Has32BitLength && _explicitVR && padded > ushort.MaxValue))
        {
            throw new DicomException($"{element.Tag} value of {data.Length} bytes is too long for VR {element.VR}.");
        }

        WriteHeader(element.Tag, element.VR, (uint)padded);
        if (_bigEndian && element.VR.NeedsByteSwap)
        {
            var copy = data.ToArray();
            for (var i = 0; i + element.VR.SwapUnit <= copy.Length; i += element.VR.SwapUnit)
            {
                copy.AsSpan(i, element.VR.SwapUnit).Reverse();
            }

            _stream.Write(copy);
        }
        else
        {
            _stream.Write(data);
        }

        if (padded != data.Length)
        {
            _stream.WriteByte(element.VR.PaddingByte);
        }
    }

    private void WriteFragment(ReadOnlySpan<byte> data)
    {
        WriteTagAndLength(DicomTag.Item, (uint)PaddedLength(data.Length));
        _stream.Write(data);
        if (data.Length % 2 != 0)
        {
            _stream.WriteByte(0);
        }
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        if (!_explicitVR)
        {
            WriteTagAndLength(tag, length);
            return;
        }

        WriteTag(tag);
        _scratch[0] = (byte)vr.Code[0];
        _scratch[1] = (byte)vr.Code[1];
        if (vr.Has32BitLength)
        {
            _scratch[2] = 0;
            _scratch[3] = 0;
            _stream.Write(_scratch, 0, 4);
            WriteUInt32(length);
        }
        else
        {
            _stream.Write(_scratch, 0, 2);
            WriteUInt16((ushort)length);
        }
    }

    private void WriteTagAndLength(DicomTag tag, uint length)
    {
        WriteTag(tag);
        WriteUInt32(length);
    }

    private void WriteTag(DicomTag tag)
    {
        WriteUInt16(tag.Group);
        WriteUInt16(tag.Element);
    }

    private void WriteUInt16(ushort value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_scratch, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_scratch, value);
        }

        _stream.Write(_scratch, 0, 2);
    }

    private void WriteUInt32(uint value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_scratch, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_scratch, value);
        }

        _stream.Write(_scratch, 0, 4);
    }

    private int HeaderLength(DicomVR vr) => !_explicitVR ? 8 : vr.Has32BitLength ? 12 : 8;

    private static long PaddedLength(int length) => length + (length & 1);
}

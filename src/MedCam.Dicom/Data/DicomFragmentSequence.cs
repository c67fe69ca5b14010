namespace MedCam.Dicom;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item followed by fragments. Fragments stay slices of the
/// source buffer (memory-mapped file) until a frame is asked for.
/// </summary>
public sealed class DicomFragmentSequence : DicomItem
{
    public DicomFragmentSequence(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> basicOffsetTable, IReadOnlyList<ReadOnlyMemory<byte>> fragments)
        : base(tag, vr)
    {
        BasicOffsetTable = basicOffsetTable;
        Fragments = fragments;
    }

    /// <summary>Raw bytes of the first item: little-endian 32-bit offsets, or empty.</summary>
    public ReadOnlyMemory<byte> BasicOffsetTable { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Fragments { get; }

    /// <summary>The Basic Offset Table decoded into byte offsets of each frame's first fragment item.</summary>
    public uint[] GetBasicOffsets()
    {
        var span = BasicOffsetTable.Span;
        var offsets = new uint[span.Length / 4];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[(i * 4)..]);
        }

        return offsets;
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace MedCam.Imaging.Nifti;

/// <summary>Reads single-file NIfTI-1 (.nii or gzip-compressed .nii.gz, either byte order).</summary>
public static class NiftiReader
{
    public static NiftiVolume Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Read(fs);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads from a stream; gzip is detected from the first two bytes.</summary>
    public static NiftiVolume Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffered = new BufferedStream(input, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var gz = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        buffered.Seek(-2, SeekOrigin.Current);
        using var source = gz ? new GZipStream(buffered, CompressionMode.Decompress, leaveOpen: true) : (Stream)buffered;

        var headerBytes = new byte[NiftiHeader.Size];
        ReadExactly(source, headerBytes, "header");
        var header = NiftiHeader.Parse(headerBytes);
        var bits = NiftiDataTypeInfo.BitsPerVoxel(header.DataType);
        var offset = (long)header.VoxOffset;
        if (offset < NiftiHeader.Size)
        {
            throw new InvalidDataException($"vox_offset {header.VoxOffset} points inside the header.");
        }

        Skip(source, offset - NiftiHeader.Size);
        if (header.VoxelCount > Array.MaxLength)
        {
            throw new InvalidDataException($"The image has {header.VoxelCount} voxels, more than one array holds.");
        }

        var data = NiftiDataTypeInfo.Allocate(header.DataType, (int)header.VoxelCount);
        var raw = AsBytes(data);
        ReadExactly(source, raw, "voxel data");
        if (header.BigEndian != !BitConverter.IsLittleEndian)
        {
            Swap(raw, bits / 8);
        }

        return NiftiVolume.FromHeader(data, header);
    }

    private static Span<byte> AsBytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        byte[] b => b,
        sbyte[] sb => MemoryMarshal.AsBytes(sb.AsSpan()),
        short[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        ushort[] us => MemoryMarshal.AsBytes(us.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        _ => throw new InvalidOperationException("Unsupported voxel array."),
    };

    private static void Swap(Span<byte> raw, int size)
    {
        switch (size)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(raw), MemoryMarshal.Cast<byte, ushort>(raw)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(raw), MemoryMarshal.Cast<byte, uint>(raw)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(raw), MemoryMarshal.Cast<byte, ulong>(raw)); break;
            default: break;
        }
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string what)
    {
        if (s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
        {
            throw new InvalidDataException($"NIfTI file ends inside the {what}.");
        }
    }

    private static void Skip(Stream s, long count)
    {
        var buffer = new byte[4096];
        while (count > 0)
        {
            var n = s.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0)
            {
                throw new InvalidDataException("NIfTI file ends before vox_offset.");
            }

            count -= n;
        }
    }
}

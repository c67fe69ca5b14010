using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MedCam.Dicom.Geometry;

/// <summary>Writes a NumPy .npy file (format version 1.0): little-endian float32 in C order.</summary>
public static class NpyWriter
{
    public static void WriteFloat32(string path, ReadOnlySpan<float> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var dims = string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + (shape.Length == 1 ? "," : string.Empty);
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        stream.WriteByte(0x93); // magic: \x93NUMPY
        stream.Write("NUMPY"u8);
        stream.WriteByte(1);
        stream.WriteByte(0);
        var headerBytes = Encoding.ASCII.GetBytes(header);
        stream.WriteByte((byte)(headerBytes.Length & 0xFF));
        stream.WriteByte((byte)(headerBytes.Length >> 8));
        stream.Write(headerBytes);
        stream.Write(MemoryMarshal.AsBytes(data));
    }
}

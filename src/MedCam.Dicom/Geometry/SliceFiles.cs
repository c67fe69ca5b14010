using Microsoft.Win32.SafeHandles;

namespace MedCam.Dicom.Geometry;

/// <summary>
/// File access tuned for series of single-frame slices: headers come from the first 64 KiB only, and whole files are
/// read into a buffer reused per thread, avoiding per-file allocations and memory-map set-up for many small files.
/// </summary>
internal static class SliceFiles
{
    private const int HeaderProbe = 64 * 1024;
    private static readonly DicomReadOptions HeaderOptions = DicomReadOptions.Default with { StopBefore = DicomTags.PixelData };

    public sealed class Buffer
    {
        public byte[] Bytes { get; set; } = new byte[1 << 20];
    }

    /// <summary>The data set up to pixel data, or null when the file is not DICOM.</summary>
    public static DicomDataset? ReadHeader(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            var length = RandomAccess.GetLength(handle);
            var probe = new byte[(int)Math.Min(length, HeaderProbe)];
            var read = RandomAccess.Read(handle, probe, 0);
            try
            {
                return DicomFile.Parse(probe.AsMemory(0, read), HeaderOptions).Dataset;
            }
            catch (DicomFormatException) when (length > read)
            {
                using var file = DicomFile.Open(path, HeaderOptions); // header longer than the probe
                return file.Dataset;
            }
        }
        catch (DicomFormatException)
        {
            return null; // not DICOM (DICOMDIR readers and stray files live in series folders)
        }
    }

    /// <summary>Reads and parses a whole file into the thread's buffer; the result is valid until the buffer is reused.</summary>
    public static DicomFile ReadWhole(string path, Buffer buffer)
    {
        using SafeFileHandle handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue)
        {
            throw new DicomFormatException($"{path} is over 2 GiB.");
        }

        if (buffer.Bytes.Length < length)
        {
            buffer.Bytes = new byte[length];
        }

        var total = 0;
        while (total < length)
        {
            var read = RandomAccess.Read(handle, buffer.Bytes.AsSpan(total, (int)length - total), total);
            if (read == 0)
            {
                throw new DicomFormatException($"{path} shrank while being read.");
            }

            total += read;
        }

        return DicomFile.Parse(buffer.Bytes.AsMemory(0, total));
    }
}

using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace MedCam.Dicom.IO;

/// <summary>
/// Read-only memory over a memory-mapped file: element values are slices of the mapping, so opening a large object
/// touches only the pages the parser or a frame read actually needs. Access after disposal throws.
/// </summary>
internal sealed unsafe class MappedFileMemory : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private bool _disposed;

    public MappedFileMemory(string path)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new DicomFormatException($"{path} is empty.");
        }

        if (length > int.MaxValue)
        {
            throw new DicomFormatException($"{path} is {length} bytes; objects over 2 GiB are not supported.");
        }

        _length = (int)length;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
        AdviseRandomAccess(pointer, _view.PointerOffset + length);
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    // Frames are read in any order: without this hint the kernel's read-around pages in megabytes per fault, so
    // opening a large cine would read much of it. Best effort: only where libc's madvise exists.
    private static void AdviseRandomAccess(byte* start, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = madvise(start, (nuint)length, MadviseRandom);
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    private const int MadviseRandom = 1;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(byte* address, nuint length, int advice);

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}

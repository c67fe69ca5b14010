using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MedCam.Dicom.Network.Storage;

/// <summary>
/// Durability helpers: a file is durable once its data is fsync'ed, it has been renamed into place, and the
/// directory holding the new name is fsync'ed too (POSIX rename durability).
/// </summary>
internal static partial class DurableFile
{
    private const int ReadOnlyDirectoryFlags = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>fsync a directory so a rename or create inside it survives a crash. No-op where not needed (Windows).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Open(directory, OperatingSystem.IsLinux() ? ReadOnlyDirectoryFlags : 0);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = CloseFd(fd);
        }
    }

    /// <summary>
    /// fdatasync: file data plus only the metadata needed to read it back. For an overwrite inside blocks already
    /// allocated and written (a preallocated journal segment) ext4 needs no journal commit, only the data write and
    /// one device cache flush.
    /// </summary>
    public static void DataSync(SafeFileHandle file)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            if (FDataSync((int)file.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// syncfs(2) on the filesystem holding <paramref name="directory"/>: every dirty page and the metadata journal
    /// in one call, the cheapest way to make thousands of unsynced files and renames durable at once.
    /// </summary>
    public static void SyncFileSystem(string directory)
    {
        var fd = Open(directory, ReadOnlyDirectoryFlags);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {directory} to sync its filesystem (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (SyncFs(fd) != 0)
            {
                throw new IOException($"syncfs of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = CloseFd(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}

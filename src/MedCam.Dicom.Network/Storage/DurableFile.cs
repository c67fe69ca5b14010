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
    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start writeback, do not wait

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

    /// <summary>Opens <paramref name="path"/> read-write with O_DIRECT (Linux x64/arm64), or null where that is not possible.</summary>
    public static SafeFileHandle? TryOpenDirect(string path)
    {
        var direct = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 0x4000,
            Architecture.Arm64 => 0x10000,
            _ => 0,
        };
        if (!OperatingSystem.IsLinux() || direct == 0)
        {
            return null;
        }

        const int ReadWrite = 2;
        const int CloseOnExec = 0x80000;
        var fd = Open(path, ReadWrite | direct | CloseOnExec);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Starts writeback of a byte range (sync_file_range WRITE: no wait, no cache flush); best effort.</summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long length)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            _ = SyncFileRange((int)file.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
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
    /// Makes many unsynced files durable in one pass: writeback of every file is started first
    /// (sync_file_range, no cache flush), so the fsyncs that follow mostly just wait and flush. Files gone since
    /// (replaced or removed) are skipped. Linux only.
    /// </summary>
    public static void SyncFiles(IEnumerable<string> files)
    {
        foreach (var batch in files.Distinct(StringComparer.Ordinal).Chunk(256))
        {
            var handles = new List<SafeFileHandle>(batch.Length);
            try
            {
                foreach (var path in batch)
                {
                    try
                    {
                        handles.Add(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                    }
                    catch (FileNotFoundException)
                    {
                        // Replaced by a newer version (synced with its own segment) or removed by its consumer.
                    }
                }

                foreach (var handle in handles)
                {
                    _ = SyncFileRange((int)handle.DangerousGetHandle(), 0, 0, SyncFileRangeWrite);
                }

                foreach (var handle in handles)
                {
                    if (Fsync((int)handle.DangerousGetHandle()) != 0)
                    {
                        throw new IOException($"fsync failed (errno {Marshal.GetLastPInvokeError()}).");
                    }
                }
            }
            finally
            {
                foreach (var handle in handles)
                {
                    handle.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Lowers the calling thread's scheduling priority (Linux nice value; threads are scheduled individually).
    /// Best effort: false where unsupported.
    /// </summary>
    public static bool LowerThreadPriority(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(0 /* PRIO_PROCESS */, GetTid(), nice) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}

using System.Runtime.InteropServices;

namespace MedCam.Torch.Native;

/// <summary>Turns a failed status plus the shim's thread-local message into the matching typed exception.</summary>
internal static class NativeError
{
    public static void Check(NativeStatus status)
    {
        if (status != NativeStatus.Ok)
        {
            throw Create(status);
        }
    }

    public static Exception Create(NativeStatus status)
    {
        // mc_last_error returns a shim-owned buffer: read it as nint and copy it, never marshal it as string
        // (the marshaller would free native memory it does not own).
        var message = Marshal.PtrToStringUTF8(NativeMethods.LastError()) ?? $"libtorch shim failed with status {status}";
        return status switch
        {
            NativeStatus.Argument => new ArgumentException(message),
            NativeStatus.ModelLoad => new ModelLoadException(message),
            NativeStatus.InputShape => new InputShapeException(message),
            NativeStatus.UnknownLayer => new UnknownLayerException(message),
            NativeStatus.Target => new TargetClassException(message),
            NativeStatus.Device => new TorchDeviceException(message),
            _ => new TorchException(message),
        };
    }
}

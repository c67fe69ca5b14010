namespace MedCam.Torch.Native;

/// <summary>Mirror of <c>mc_status</c> in native/include/medcam/mc_common.h.</summary>
internal enum NativeStatus
{
    Ok = 0,
    Argument = 1,
    ModelLoad = 2,
    InputShape = 3,
    UnknownLayer = 4,
    Target = 5,
    Device = 6,
    Torch = 7,
    Std = 8,
    Unknown = 9,
}

using Microsoft.Win32.SafeHandles;

namespace MedCam.Torch.Native;

/// <summary>Owns an <c>mc_model*</c>.</summary>
internal sealed class ModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ModelHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.ModelFree(handle);
        return true;
    }
}

/// <summary>Owns an <c>mc_tensor*</c> result.</summary>
internal sealed class TensorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TensorHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.TensorFree(handle);
        return true;
    }
}

/// <summary>Owns an <c>mc_explain*</c> result (and the tensors it lends out).</summary>
internal sealed class ExplainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ExplainHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.ExplainFree(handle);
        return true;
    }
}

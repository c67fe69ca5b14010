namespace MedCam.Torch;

/// <summary>A failure reported by the libtorch runtime. The message says what was wrong in the user's terms.</summary>
public class TorchException : Exception
{
    public TorchException() { }
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The model file is missing, is not TorchScript (e.g. a state_dict), or is corrupt.</summary>
public sealed class ModelLoadException : TorchException
{
    public ModelLoadException() { }
    public ModelLoadException(string message) : base(message) { }
    public ModelLoadException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The input's shape does not fit its buffer or the model (rank, channels, too small for pooling).</summary>
public sealed class InputShapeException : TorchException
{
    public InputShapeException() { }
    public InputShapeException(string message) : base(message) { }
    public InputShapeException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The named target layer does not exist, or the model exposes no layers to explain at.</summary>
public sealed class UnknownLayerException : TorchException
{
    public UnknownLayerException() { }
    public UnknownLayerException(string message) : base(message) { }
    public UnknownLayerException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A target class is out of range or the target does not match the batch / logits.</summary>
public sealed class TargetClassException : TorchException
{
    public TargetClassException() { }
    public TargetClassException(string message) : base(message) { }
    public TargetClassException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The device string is unknown or the device (CUDA) is not available in this libtorch.</summary>
public sealed class TorchDeviceException : TorchException
{
    public TorchDeviceException() { }
    public TorchDeviceException(string message) : base(message) { }
    public TorchDeviceException(string message, Exception innerException) : base(message, innerException) { }
}

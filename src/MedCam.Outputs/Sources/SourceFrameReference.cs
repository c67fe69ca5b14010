namespace MedCam.Outputs.Sources;

/// <summary>
/// One source frame a derived frame is made from: the instance (and frame number inside a multi-frame instance) that a
/// Source Image Sequence item (0008,2112) or a Derivation Image Sequence item points at.
/// </summary>
/// <param name="SopClassUid">(0008,0016) of the source instance.</param>
/// <param name="SopInstanceUid">(0008,0018) of the source instance.</param>
/// <param name="FrameNumber">1-based frame number inside a multi-frame source; null for single-frame instances.</param>
/// <param name="ImagePosition">(0020,0032) of the frame (volumes only), LPS mm.</param>
public sealed record SourceFrameReference(string SopClassUid, string SopInstanceUid, int? FrameNumber, double[]? ImagePosition);

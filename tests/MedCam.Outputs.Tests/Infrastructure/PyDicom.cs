using System.Text.Json;

namespace MedCam.Outputs.Tests.Infrastructure;

/// <summary>Reads derived objects back with pydicom (Debian's /usr/bin/python3), an independent DICOM parser.</summary>
internal static class PyDicom
{
    private const string Script = """
import json, sys
import numpy as np
import pydicom
out = []
def frames(i):
    v = i.get("ReferencedFrameNumber")
    if v is None:
        return []
    return [int(x) for x in v] if isinstance(v, pydicom.multival.MultiValue) else [int(v)]
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    d = {
        "sopClass": str(ds.SOPClassUID), "sop": str(ds.SOPInstanceUID), "study": str(ds.StudyInstanceUID),
        "series": str(ds.SeriesInstanceUID), "modality": ds.Modality, "patientName": str(ds.PatientName),
        "patientId": ds.PatientID, "charset": ds.get("SpecificCharacterSet", ""), "imageType": list(ds.ImageType),
        "lossy": ds.get("LossyImageCompression", ""), "frames": int(ds.get("NumberOfFrames", 1)),
        "sources": [[str(i.ReferencedSOPInstanceUID), frames(i), str(i.PurposeOfReferenceCodeSequence[0].CodeValue)] for i in ds.get("SourceImageSequence", [])],
        "referencedSeries": [[str(s.SeriesInstanceUID), [str(r.ReferencedSOPInstanceUID) for r in s.ReferencedInstanceSequence]] for s in ds.get("ReferencedSeriesSequence", [])],
        "equipment": [[str(e.PurposeOfReferenceCodeSequence[0].CodeValue), str(e.PurposeOfReferenceCodeSequence[0].CodingSchemeDesignator), str(e.PurposeOfReferenceCodeSequence[0].CodeMeaning), e.Manufacturer, e.ManufacturerModelName, str(e.SoftwareVersions), str(e.get("DeviceUID", ""))] for e in ds.get("ContributingEquipmentSequence", [])],
        "frameTime": float(ds.get("FrameTime", 0) or 0), "frameIncrementPointer": str(ds.get("FrameIncrementPointer", "")),
        "burnedIn": ds.get("BurnedInAnnotation", ""), "seriesDescription": ds.get("SeriesDescription", ""),
        "frameOfReference": str(ds.get("FrameOfReferenceUID", "")),
        "pixelSpacing": [float(v) for v in ds.get("PixelSpacing", [])],
    }
    if str(ds.SOPClassUID) == "1.2.840.10008.5.1.4.1.1.30":
        if "FloatPixelData" in ds:
            arr = np.frombuffer(ds.FloatPixelData, dtype="<f4")
        else:
            arr = np.frombuffer(ds.PixelData, dtype="<u2").astype(np.float32)
        np.save(path + ".values.npy", arr.reshape(int(ds.NumberOfFrames), ds.Rows, ds.Columns))
        d["positions"] = [[float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient] for f in ds.PerFrameFunctionalGroupsSequence]
        d["derivedFrom"] = [str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID) for f in ds.PerFrameFunctionalGroupsSequence]
        sfg = ds.SharedFunctionalGroupsSequence[0]
        d["orientation"] = [float(v) for v in sfg.PlaneOrientationSequence[0].ImageOrientationPatient]
        d["spacing"] = [float(v) for v in sfg.PixelMeasuresSequence[0].PixelSpacing]
        rw = sfg.RealWorldValueMappingSequence[0]
        d["realWorld"] = [float(rw.RealWorldValueSlope), float(rw.RealWorldValueIntercept)]
    else:
        px = ds.pixel_array
        d["pixelShape"] = list(px.shape)
    out.append(d)
print(json.dumps(out))
""";

    public static JsonElement[] Read(params string[] paths)
    {
        var (code, output) = Tool.Run("/usr/bin/python3", ["-c", Script, .. paths]);
        Assert.True(code == 0, "pydicom failed (is python3-pydicom installed?):\n" + output);
        var json = output.Split('\n').Last(l => l.StartsWith('['));
        return JsonSerializer.Deserialize<JsonElement[]>(json)!;
    }
}

-- Orthanc Lua rule: when a study has been stable for StableAge seconds, route it to MedCam (DicomModalities
-- entry "medcam"). Studies that already hold results sent back by MedCam (calling AE "MEDCAM") are not routed again,
-- or every result would trigger another round.
function IsFromMedCam(instanceId)
  local ok, aet = pcall(RestApiGet, '/instances/' .. instanceId .. '/metadata/RemoteAET')
  return ok and aet == 'MEDCAM'
end

function OnStableStudy(studyId, tags, metadata)
  local instances = ParseJson(RestApiGet('/studies/' .. studyId .. '/instances'))
  for _, instance in pairs(instances) do
    if IsFromMedCam(instance['ID']) then
      return
    end
  end
  print('Routing stable study ' .. studyId .. ' to MedCam')
  -- SendToModality() takes instances; the REST call sends the whole study as one job.
  RestApiPost('/modalities/medcam/store', DumpJson({ Resources = { studyId }, Synchronous = false }, true))
end

@classLabel true a
@data
@problemName x

@timeStamps true
@univariate true
@classLabel true a
@data
(1,2),(0,?):a

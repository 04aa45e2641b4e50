@missing false
@univariate true
@classLabel true a
@data
1,?:a

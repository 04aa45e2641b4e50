@univariate true
@classLabel true 6 67
@data
1,2:67
1,2:6
@problemName t
@missing true
@univariate true
@classLabel true a b
@data
1,?,3:a
?,?:b
NaN:a

@univariate true
@equalLength true
@classLabel false
@data
1,2,3
1,2
#comment é ☄
@problemName LSST
@timeStamps false
@missing false
@univariate false
@dimensions 6
@equalLength true
@seriesLength 3
@classLabel true 6 15 90
@data
1.5,-2.25,1e39:1.5,-2.25,3e1:1.5,-2.25,3e1:1.5,-2.25,3e1:1.5,-2.25,3e1:1.5,-2.25,3e1:90

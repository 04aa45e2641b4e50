% This is a comment
%
@univariate true
@classLabel true a
@data
1,2:a

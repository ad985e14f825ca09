module curriculum/bench/peers

go 1.19

module github.com/vigilhq/vigil

go 1.26

package tbench
import ("testing";"os";"time";"kakehashi/internal/build";"kakehashi/internal/publish")
func TestTime(t *testing.T){
  for _, unc := range []bool{true,false} {
  for i:=0;i<2;i++{
  mem:=publish.NewMem()
  st:=time.Now()
  res,err:=build.Into(os.DirFS("/tmp/corpus/site"),mem,build.Options{Unconsented:unc})
  t.Log(unc, time.Since(st), err != nil)
  if res!=nil { t.Log(res.Stages, len(mem.Files())) }
  }}
}

fn main() {
    println!("lazyrich");
}
